; corpus/history/2.6.24-5.12-x86/x86_64-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x603 (bvsub RSP (_ bv8 64))))
(let ((?x186 (bvadd ?x603 (_ bv8 64))))
(let (($x434 (and (distinct ?x186 RSP) true)))
(let (($x503 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x886 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x264 (= TF (_ bv0 1))))
(let (($x680 (= VM (_ bv0 1))))
(let (($x817 (= DF (_ bv0 1))))
(and $x817 $x680 $x264 $x886 (or $x503 $x434)))))))))))
(check-sat)
