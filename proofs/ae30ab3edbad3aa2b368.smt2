; corpus/history/2.6.24-5.12-x86/x86_64-clts.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x35 (bvsub RSP (_ bv8 64))))
(let ((?x264 (bvadd ?x35 (_ bv8 64))))
(let (($x133 (and (distinct ?x264 RSP) true)))
(let (($x884 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x773 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x739 (= TF (_ bv0 1))))
(let (($x683 (= VM (_ bv0 1))))
(let (($x593 (= DF (_ bv0 1))))
(and $x593 $x683 $x739 $x773 (or $x884 $x133)))))))))))
(check-sat)
