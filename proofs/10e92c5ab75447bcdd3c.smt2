; corpus/equivalent/x86_64-read_cr8.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x108 (bvsub RSP (_ bv8 64))))
(let ((?x202 (bvadd ?x108 (_ bv8 64))))
(let (($x187 (and (distinct ?x202 RSP) true)))
(let (($x11 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x136 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x10 (= TF (_ bv0 1))))
(let (($x116 (= VM (_ bv0 1))))
(let (($x170 (= DF (_ bv0 1))))
(and $x170 $x116 $x10 $x136 (or $x11 $x187)))))))))))
(check-sat)
