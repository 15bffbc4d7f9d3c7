; corpus/equivalent/x86_64-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x217 (bvsub RSP (_ bv8 64))))
(let ((?x201 (bvadd ?x217 (_ bv8 64))))
(let (($x170 (and (distinct ?x201 RSP) true)))
(let (($x7 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x125 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x161 (= TF (_ bv0 1))))
(let (($x84 (= VM (_ bv0 1))))
(let (($x11 (= DF (_ bv0 1))))
(and $x11 $x84 $x161 $x125 (or $x7 $x170)))))))))))
(check-sat)
