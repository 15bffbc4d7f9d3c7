; corpus/equivalent/x86_64-inb.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x117 (bvsub RSP (_ bv8 64))))
(let ((?x202 (bvadd ?x117 (_ bv8 64))))
(let (($x32 (and (distinct ?x202 RSP) true)))
(let (($x44 (and (distinct (_ bv18446744071578845192 64) (_ bv18446744071578845192 64)) true)))
(let (($x24 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x120 (= TF (_ bv0 1))))
(let (($x181 (= VM (_ bv0 1))))
(let (($x533 (= DF (_ bv0 1))))
(and $x533 $x181 $x120 $x24 (or $x44 $x32)))))))))))
(check-sat)
