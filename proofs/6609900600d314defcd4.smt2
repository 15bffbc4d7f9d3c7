; corpus/equivalent/x86_64-irq_disable-cli.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x223 (bvsub RSP (_ bv8 64))))
(let ((?x161 (bvadd ?x223 (_ bv8 64))))
(let (($x10 (and (distinct ?x161 RSP) true)))
(let (($x219 (and (distinct (_ bv18446744071578845190 64) (_ bv18446744071578845190 64)) true)))
(let (($x159 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x48 (= TF (_ bv0 1))))
(let (($x12 (= VM (_ bv0 1))))
(let (($x78 (= DF (_ bv0 1))))
(and $x78 $x12 $x48 $x159 (or $x219 $x10)))))))))))
(check-sat)
